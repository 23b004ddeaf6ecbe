"""The database layer: typed models, engine creation, migrations, scoped queries and importers.

Nothing here imports streamlit; callers pass in the connection and the viewer's scope.
"""
