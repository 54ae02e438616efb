"""Find and prove the shortest refusal and acceptance paths from a URL alone (issue 12)."""
