-- Research counts ask for everyone with a score of a model of at least x computed since a date: by model and
-- time, with the participant and the score in the index, that set comes from the index alone instead of a
-- sequential scan of every score.
CREATE INDEX questionnaire_scores_model ON questionnaire_scores (model, computed_at) INCLUDE (participant_id, score);
