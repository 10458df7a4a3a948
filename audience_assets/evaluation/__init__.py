"""Model evaluation: the study's objective table (attempts, time, memory per model)
and its blind human evaluation (forms, scores, agreement). Pure modules; the
Dagster asset `model_evaluation` lives in assets.py."""
