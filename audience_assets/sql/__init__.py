"""The SQL store: tables (`schema`) and engines (`engine`)."""
