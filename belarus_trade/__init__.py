"""Data, methods and chart policy for the living book on Belarus–Russia trade, 2000–2024."""
