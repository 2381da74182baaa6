"""The reviewer's side: every state change a person makes and what follows it (workflow.py), the review pages
(views.py, forms.py), and a reopened report's approved content (reopening.py)."""
