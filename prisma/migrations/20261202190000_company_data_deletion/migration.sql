-- A company's data is deleted after its retention period (or on request): its audit trail too.
-- The audit trail stays append-only for everything else: a row of AnswerEvent may be deleted only
-- inside a transaction that named its organisation for deletion, as the retention path does:
--     SELECT set_config with app.purge_org, the organisation uuid, and true (this transaction only)
-- and never by the walled role jama_app (which has no DELETE on it anyway). UPDATE and TRUNCATE
-- stay refused for everyone. The body is an E-string with \073 for its semicolons (the PostgreSQL
-- driver adapter splits a migration at every semicolon).
CREATE OR REPLACE FUNCTION "answer_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN IF TG_OP = ''DELETE'' AND current_user <> ''jama_app'' AND OLD."orgId"::text = current_setting(''app.purge_org'', true) THEN RETURN OLD\073 END IF\073 RAISE EXCEPTION ''AnswerEvent is append-only (% refused)'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';
