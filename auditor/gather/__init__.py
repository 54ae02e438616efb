"""Stage 2, gathering: Playwright drives Chromium through a path and records a FlowTrace (snapshots,
screenshots, dialogs, timings). Everything here touches a browser; nothing after this stage does."""
