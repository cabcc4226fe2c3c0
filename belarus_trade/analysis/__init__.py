"""Stage 2, analysis: the article's methods as tested functions on validated frames.

`methods` holds what every chapter shares (shares by partner group, KTES, year windows, the
figures the article quotes); `combined_method` the article's estimate of Belarus–Russia trade
after 2021, its back-test and the checker of printed figures. Functions take frames and return
frames or numbers: no files, no languages, no charts.
"""
