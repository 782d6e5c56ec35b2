// Kept in step with migrations/ (the shape `diesel print-schema` gives, with
// integer ids as BigInt: SQLite integers are 64-bit). The Rust code says
// `thread`; the tables keep their first names (`conversations`,
// `conversation_tags`, `conversation_id`) through `sql_name`.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        disabled -> Bool,
        must_change_password -> Bool,
        last_active_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Nullable<BigInt>,
        data -> Text,
        expires_at -> BigInt,
        user_agent -> Nullable<Text>,
        address -> Nullable<Text>,
        first_seen_at -> Nullable<BigInt>,
        last_seen_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    invites (id) {
        id -> BigInt,
        token -> Text,
        created_by -> Nullable<BigInt>,
        max_uses -> Integer,
        uses -> Integer,
        expires_at -> Nullable<BigInt>,
        revoked -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        action -> Text,
        target_id -> Nullable<BigInt>,
        target_name -> Nullable<Text>,
        detail -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        prefix -> Text,
        token_hash -> Binary,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
        expires_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    providers (id) {
        id -> BigInt,
        owner_id -> Nullable<BigInt>,
        name -> Text,
        provider_sdk_id -> Text,
        api_format -> Text,
        base_url -> Nullable<Text>,
        api_key -> Nullable<Binary>,
        image_url -> Nullable<Text>,
        is_enabled -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    provider_models (id) {
        id -> BigInt,
        provider_id -> BigInt,
        name -> Text,
        model_sdk_id -> Text,
        is_default -> Bool,
        is_enabled -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
        input_price -> Nullable<Double>,
        output_price -> Nullable<Double>,
        vision -> Bool,
    }
}

diesel::table! {
    #[sql_name = "conversations"]
    threads (id) {
        id -> BigInt,
        user_id -> BigInt,
        title -> Text,
        model_id -> Nullable<BigInt>,
        temperature -> Nullable<Float>,
        max_tokens -> Nullable<Integer>,
        pinned -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
        agent_id -> Nullable<BigInt>,
        kind -> Text,
        folder_id -> Nullable<BigInt>,
        archived -> Bool,
    }
}

diesel::table! {
    avatars (id) {
        id -> Text,
        content_type -> Text,
        data -> Binary,
        created_at -> BigInt,
    }
}

diesel::table! {
    agents (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        description -> Text,
        avatar -> Text,
        avatar_image -> Nullable<Text>,
        color -> Text,
        system_prompt -> Text,
        model_id -> Nullable<BigInt>,
        model_lost -> Bool,
        temperature -> Float,
        max_tokens -> Nullable<Integer>,
        talkativeness -> Float,
        shared -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        #[sql_name = "conversation_id"]
        thread_id -> BigInt,
        role -> Text,
        content -> Text,
        status -> Text,
        model_sdk_id -> Nullable<Text>,
        prompt_tokens -> Nullable<Integer>,
        completion_tokens -> Nullable<Integer>,
        ttft_ms -> Nullable<Integer>,
        total_ms -> Nullable<Integer>,
        finish_reason -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        participant_id -> Nullable<BigInt>,
        speaker -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        on_path -> Bool,
    }
}

diesel::table! {
    backrooms (id) {
        id -> BigInt,
        user_id -> BigInt,
        #[sql_name = "conversation_id"]
        thread_id -> BigInt,
        title -> Text,
        scenario -> Text,
        turn_order -> Text,
        max_turns -> Integer,
        min_turns -> Integer,
        stop_patterns -> Text,
        token_budget -> Nullable<BigInt>,
        state -> Text,
        state_reason -> Nullable<Text>,
        tokens_used -> BigInt,
        next_participant -> Nullable<BigInt>,
        forked_from -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    backroom_participants (id) {
        id -> BigInt,
        backroom_id -> BigInt,
        position -> Integer,
        agent_id -> Nullable<BigInt>,
        name -> Text,
        avatar -> Text,
        avatar_image -> Nullable<Text>,
        color -> Text,
        system_prompt -> Text,
        model_id -> Nullable<BigInt>,
        temperature -> Float,
        max_tokens -> Nullable<Integer>,
        talkativeness -> Float,
    }
}

diesel::table! {
    shares (token) {
        token -> Text,
        #[sql_name = "conversation_id"]
        thread_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    notes (id) {
        id -> BigInt,
        user_id -> BigInt,
        title -> Text,
        body -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    folders (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    #[sql_name = "conversation_tags"]
    thread_tags (thread_id, tag) {
        #[sql_name = "conversation_id"]
        thread_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    prompts (id) {
        id -> BigInt,
        user_id -> BigInt,
        title -> Text,
        body -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    usage_days (user_id, day, model) {
        user_id -> BigInt,
        day -> BigInt,
        model -> Text,
        prompt_tokens -> BigInt,
        completion_tokens -> BigInt,
        cost_nanos -> BigInt,
        replies -> BigInt,
        own_key -> Bool,
    }
}

diesel::table! {
    user_limits (user_id) {
        user_id -> BigInt,
        limits -> Text,
        updated_at -> BigInt,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(usage_days -> users (user_id));
diesel::joinable!(notes -> users (user_id));
diesel::joinable!(folders -> users (user_id));
diesel::joinable!(prompts -> users (user_id));
diesel::joinable!(threads -> folders (folder_id));
diesel::joinable!(thread_tags -> threads (thread_id));
diesel::joinable!(shares -> threads (thread_id));
diesel::joinable!(threads -> users (user_id));
diesel::joinable!(threads -> provider_models (model_id));
diesel::joinable!(messages -> threads (thread_id));
diesel::joinable!(threads -> agents (agent_id));
diesel::joinable!(agents -> users (user_id));
diesel::joinable!(agents -> provider_models (model_id));
diesel::joinable!(agents -> avatars (avatar_image));
diesel::joinable!(backrooms -> threads (thread_id));
diesel::joinable!(backroom_participants -> backrooms (backroom_id));
diesel::joinable!(messages -> backroom_participants (participant_id));
diesel::joinable!(provider_models -> providers (provider_id));
diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        data -> Binary,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        name -> Text,
        mime -> Text,
        bytes -> BigInt,
        sha256 -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        pages -> Nullable<Integer>,
        text -> Nullable<Text>,
        sent -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    message_attachments (message_id, attachment_id) {
        message_id -> BigInt,
        attachment_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    attachment_chunks (id) {
        id -> BigInt,
        attachment_id -> BigInt,
        position -> Integer,
        page -> Nullable<Integer>,
        body -> Text,
    }
}

diesel::table! {
    message_sources (message_id, n) {
        message_id -> BigInt,
        n -> Integer,
        attachment_id -> BigInt,
        position -> Integer,
        page -> Nullable<Integer>,
    }
}

diesel::table! {
    agent_knowledge (agent_id, attachment_id) {
        agent_id -> BigInt,
        attachment_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    backroom_publications (backroom_id) {
        backroom_id -> BigInt,
        token -> Text,
        show_details -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    backroom_guards (backroom_id) {
        backroom_id -> BigInt,
        loop_overlap -> Nullable<Integer>,
        seat_token_cap -> Nullable<BigInt>,
        cost_cap_nanos -> Nullable<BigInt>,
        cost_nanos -> BigInt,
    }
}

diesel::joinable!(backroom_publications -> backrooms (backroom_id));
diesel::joinable!(backroom_guards -> backrooms (backroom_id));

diesel::table! {
    backroom_whispers (message_id, participant_id) {
        message_id -> BigInt,
        participant_id -> BigInt,
    }
}

diesel::table! {
    backroom_departures (participant_id) {
        participant_id -> BigInt,
        left_at -> BigInt,
    }
}

diesel::table! {
    backroom_schedules (backroom_id) {
        backroom_id -> BigInt,
        cron -> Text,
        next_at -> BigInt,
        last_at -> Nullable<BigInt>,
        last_run -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        runs -> Integer,
    }
}

diesel::joinable!(backroom_departures -> backroom_participants (participant_id));
diesel::joinable!(backroom_whispers -> messages (message_id));
diesel::joinable!(backroom_whispers -> backroom_participants (participant_id));
diesel::joinable!(attachment_chunks -> attachments (attachment_id));
diesel::joinable!(message_sources -> attachments (attachment_id));
diesel::joinable!(message_sources -> messages (message_id));
diesel::joinable!(agent_knowledge -> attachments (attachment_id));
diesel::joinable!(attachments -> users (user_id));
diesel::joinable!(attachments -> blobs (sha256));
diesel::joinable!(message_attachments -> attachments (attachment_id));
diesel::joinable!(message_attachments -> messages (message_id));

diesel::table! {
    replicas (id) {
        id -> BigInt,
        started_at -> BigInt,
        seen_at -> BigInt,
    }
}

diesel::table! {
    reply_owners (message_id) {
        message_id -> BigInt,
        replica -> BigInt,
    }
}

diesel::table! {
    run_leases (backroom_id) {
        backroom_id -> BigInt,
        replica -> BigInt,
    }
}

diesel::table! {
    login_failures (key) {
        key -> Text,
        failures -> Integer,
        last_failure -> BigInt,
        blocked_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    reply_holds (id) {
        id -> BigInt,
        user_id -> BigInt,
        replica -> BigInt,
        started_at -> BigInt,
        released -> Bool,
    }
}

diesel::joinable!(reply_owners -> messages (message_id));
diesel::joinable!(run_leases -> backrooms (backroom_id));

diesel::allow_tables_to_appear_in_same_query!(
    backroom_departures,
    backroom_schedules,
    backroom_guards,
    backroom_whispers,
    backroom_publications,
    blobs,
    attachments,
    attachment_chunks,
    message_attachments,
    message_sources,
    agent_knowledge,
    api_tokens,
    users,
    sessions,
    settings,
    providers,
    provider_models,
    threads,
    messages,
    agents,
    avatars,
    backrooms,
    backroom_participants,
    shares,
    notes,
    folders,
    thread_tags,
    prompts,
    invites,
    audit_log,
    usage_days,
    user_limits,
    replicas,
    reply_owners,
    run_leases,
    login_failures,
    reply_holds
);
