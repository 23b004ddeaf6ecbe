"""The pages' cached reads: metric-layer functions wrapped in Streamlit's cache and the result store."""
