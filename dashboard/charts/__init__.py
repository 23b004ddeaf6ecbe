"""Chart builders: pure functions from data to a plotly figure, no streamlit, one palette (theme)."""
