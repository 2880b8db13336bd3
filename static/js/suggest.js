/* Search-as-you-type for the fields marked data-suggest (activity/suggest.py renders them).
 *
 * The page works without this script: the text field is then matched by name on the server.
 * With it, the text field becomes a combobox (WAI-ARIA 1.2): typing asks the field's endpoint
 * for at most twenty names, the arrow keys move through them, Enter or a click chooses one,
 * Escape closes the list (or, when it is closed, empties the field). Choosing fills in the
 * chosen id (one choice), or adds a ticked box (several choices). Every text shown comes from
 * the page, in the reader's language.
 */
(function () {
  "use strict";

  var DELAY = 200; // milliseconds of quiet typing before asking
  var count = 0;

  function setUp(box) {
    var url = box.getAttribute("data-suggest");
    var input = box.querySelector("[data-suggest-text]");
    if (!url || !input) {
      return;
    }
    var hidden = box.querySelector("[data-suggest-id]");
    var chosenList = box.querySelector("[data-suggest-chosen]");
    count += 1;
    var listId = (input.id || "suggest-" + count) + "-suggestions";

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", box.getAttribute("data-list-label") || "");
    list.hidden = true;
    var note = document.createElement("p");
    note.className = "suggest-note";
    note.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", note);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var chosenText = hidden && hidden.value ? input.value : null;
    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function say(text) {
      note.textContent = text || "";
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) {
        return;
      }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(found) {
      results = found;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!found.length) {
        close();
        say(box.getAttribute("data-none"));
        return;
      }
      say("");
      found.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = result.label;
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function addBox(result) {
      var name = box.getAttribute("data-name");
      var existing = Array.prototype.find.call(
        chosenList.querySelectorAll("input[type=checkbox]"),
        function (checkbox) { return checkbox.value === String(result.id); }
      );
      if (existing) {
        existing.checked = true;
      } else {
        var item = document.createElement("li");
        var label = document.createElement("label");
        var checkbox = document.createElement("input");
        checkbox.type = "checkbox";
        checkbox.name = name;
        checkbox.value = String(result.id);
        checkbox.checked = true;
        label.appendChild(checkbox);
        label.appendChild(document.createTextNode(" " + result.label));
        item.appendChild(label);
        chosenList.appendChild(item);
      }
      input.value = "";
      say(box.getAttribute("data-added"));
    }

    function choose(index) {
      var result = results[index];
      if (!result) {
        return;
      }
      if (chosenList) {
        addBox(result);
      } else {
        input.value = result.label;
        chosenText = result.label;
        if (hidden) {
          hidden.value = String(result.id);
        }
        say("");
      }
      close();
    }

    function ask() {
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(input.value);
      fetch(address, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || type.indexOf("application/json") === -1) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          show(Array.isArray(data.results) ? data.results : []);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            close();
            say(box.getAttribute("data-failed"));
          }
        });
    }

    function askSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    }

    input.addEventListener("input", function () {
      // Typing something else than the chosen name lets go of its id.
      if (hidden && input.value !== chosenText) {
        hidden.value = "";
        chosenText = null;
      }
      askSoon();
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) {
          highlight(active + 1);
        } else {
          ask();
        }
      } else if (event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          highlight(active - 1);
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault(); // choose, do not send the form yet
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          if (hidden) {
            hidden.value = "";
            chosenText = null;
          }
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);
    // Keep the focus in the field while an option is pressed, so that blur does not close
    // the list before the click chooses.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        choose(Array.prototype.indexOf.call(list.children, option));
      }
    });
  }

  document.querySelectorAll("[data-suggest]").forEach(setUp);
})();
