"""UI components: each takes data and draws it with streamlit."""
