"""The app shell and the command line: settings, navigation, filters, shared UI and charts."""
