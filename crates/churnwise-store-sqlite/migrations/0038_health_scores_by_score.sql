-- Issue 14: the health list reads its page in two steps (the score of the
-- page's last row first, walking scores in order, then only the clients at
-- or under it), so a page of the lowest scores does not join and sort
-- every client of a large workspace.
CREATE INDEX health_scores_by_score ON health_scores (workspace_id, score);
