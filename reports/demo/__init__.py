"""The demo year: what `seed_demo --reports` writes (seeding.py), described in demo_year.yaml."""
