"""Random worlds of any size (``foedus generate-world``): a realistic synthetic corpus,
deterministic from its seed.

- :mod:`foedus.generate.episodes`: what a world is made of (episodes, clauses, categories, its
  source text);
- :mod:`foedus.generate.draws`: its random tables, drawn in SQL from the seed;
- :mod:`foedus.generate.writers`: the tables written out as YAML or Parquet;
- :mod:`foedus.generate.world`: :func:`generate_world`, the one entry point.
"""

from foedus.generate.episodes import EPISODES, WEIGHTS, source_text
from foedus.generate.world import YAML_LIMIT, World, generate_world

__all__ = ["EPISODES", "WEIGHTS", "YAML_LIMIT", "World", "generate_world", "source_text"]
