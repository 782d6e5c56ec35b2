DROP TABLE IF EXISTS backroom_schedules, backroom_departures, backroom_whispers,
    backroom_guards, backroom_publications, agent_knowledge, message_sources,
    attachment_chunks, message_attachments, attachments, blobs, api_tokens,
    user_limits, usage_days, audit_log, invites, prompts, conversation_tags,
    notes, shares, messages, backroom_participants, backrooms, conversations,
    folders, agents, avatars, provider_models, providers, settings, sessions,
    users CASCADE;
DROP FUNCTION IF EXISTS agents_model_deleted();
DROP FUNCTION IF EXISTS search_vector(text);
DROP COLLATION IF EXISTS nocase;
