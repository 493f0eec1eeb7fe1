"""One module per report section: turns processed tables into the tables, figures and findings
its notebook shows. Notebooks call these and nothing heavier."""
