"""Drawings and pages made from process definitions: diagrams, process pages."""
