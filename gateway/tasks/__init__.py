"""Celery tasks: thin, JSON ids in, one service call each (STYLE.md habit 9).

The app and its configuration live in ``celery_app.py`` at the top of the project;
tasks here are ``shared_task``s so this package imports no app.
"""
