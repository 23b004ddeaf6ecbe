"""Per-page analyses: the tables and series a page draws beyond the symptom scorecard."""
