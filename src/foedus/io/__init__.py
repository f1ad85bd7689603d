"""Data in and out of foedus: importers of real datasets, exports, and cross-checks.

- :mod:`foedus.io.importers`: ``foedus import KIND FILE... -o CORPUS``
- :mod:`foedus.io.exports`: ``foedus export FORMAT -o PATH``
- :mod:`foedus.io.crosscheck`: ``foedus crosscheck --against KIND FILE``
- :mod:`foedus.io.aliases`: the one alias table (COW, G&W, ISO codes, names)
"""
