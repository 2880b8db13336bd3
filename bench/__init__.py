"""The country-scale benchmark: ``make bench`` builds the data set once and measures the pages."""
