"""Virtual cohorts, trials, runners and cohort-level summaries."""
