"""Incremental updates of a built database (docs/incremental.md).

- :mod:`~foedus.build.incremental.update`: :func:`prepare` and :func:`apply`, the orchestration;
- :mod:`~foedus.build.incremental.diff`: whether only events were added;
- :mod:`~foedus.build.incremental.state`: the state a build keeps for updates;
- :mod:`~foedus.build.incremental.keys` and :mod:`~foedus.build.incremental.perspective`: the
  dirty keys of each fluent and their recomputation;
- the rules' dependencies are :mod:`foedus.engine.dependencies`.
"""
