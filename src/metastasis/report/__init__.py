"""Plots and readable summaries of results."""
