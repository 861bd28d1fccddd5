"""Importers turn documentation into spec drafts (YAML text), never into code.

``prose`` reads constraints out of a description; ``docs_page`` reads a copied documentation page;
``emit`` writes a draft as deterministic YAML with comments where a human has to look.
"""
