"""The views: Flask blueprints that turn requests into domain calls and answers.

A view imports the domain and `argmap.web`, never another view.
"""
