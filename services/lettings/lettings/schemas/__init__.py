"""Marshmallow schemas of the lettings API, one per intent."""
