"""The introduction (`book/chapters/introduction.ipynb`): its overview figure draws Table 1 of the
article as printed, so the chapter computes nothing of its own; it declares what it reads."""

# The resources the chapter reads (ChapterContext refuses any other; the build keys the chapter on these).
READS = ("article_table1",)
