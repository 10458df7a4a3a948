"""Review: the desk where a person edits and approves the drafts, their state and audit
trail (state.py), sign-in (auth.py), the exports (exports.py), the approvals sensor."""
