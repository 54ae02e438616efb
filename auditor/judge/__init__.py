"""Stage 4, judging: runs the heuristics on a FlowTrace, scores their findings and hands the reporters a
finished Report that they only render. No browser: a saved trace can be judged again at any time."""
