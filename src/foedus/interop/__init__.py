"""Data in and out of foedus: importers of real datasets, exports, and cross-checks.

- :mod:`foedus.interop.importers`: ``foedus import KIND FILE... -o CORPUS``
- :mod:`foedus.interop.exports`: ``foedus export FORMAT -o PATH``
- :mod:`foedus.interop.crosscheck`: ``foedus crosscheck --against KIND FILE``
- :mod:`foedus.interop.aliases`: the one alias table (COW, G&W, ISO codes, names)
"""
