"""Computed measures of a FlowTrace that both heuristics and the judge read (like Lighthouse's computed
artifacts): pure functions of the trace, so heuristics can import them without importing the judge that
runs them."""
