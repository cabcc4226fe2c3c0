"""The economies whose series the snapshot holds, in the UN M49 codes of UN Comtrade and UNCTADstat.

Here, in the data stage, because the refresh fetches by these codes; the analysis names and groups
the same economies (`analysis.methods.CONCENTRATION_CLOSE`, `CONCENTRATION_ABOVE`) by importing them.
"""

BELARUS_M49, RUSSIA_M49 = 112, 643
CHINA_M49, GERMANY_M49, KAZAKHSTAN_M49 = 156, 276, 398
# The economies of the article's Figure 6: the refresh keeps their export concentration index.
FIGURE_6_M49 = (BELARUS_M49, CHINA_M49, GERMANY_M49, KAZAKHSTAN_M49, RUSSIA_M49)
