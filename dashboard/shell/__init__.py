"""The app shell: navigation, sign-in, first-run bootstrap, the filter bar and the session state."""
