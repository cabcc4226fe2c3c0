"""What each chapter computes, one module per notebook of the same name in `book/chapters/`.

Prose lives in the notebooks and chart code in their cells; these modules hold only the
chapter-specific computations (frames and numbers) the cells call, so they can be tested.
"""
