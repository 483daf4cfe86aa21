/**
 * Notification channels of the update log, NOTIFYed by the triggers of migrations
 * 2026-11-23-100 (`kiosk_update_log`: payload is the document name) and 2026-11-23-101
 * (`kiosk_update_log_origin`: payload is `origin \t document name`, so a relay can skip the
 * rows it wrote itself). The names live here, beside the log, because the triggers own them.
 */
export const UPDATE_LOG_CHANNEL = 'kiosk_update_log';
export const UPDATE_LOG_ORIGIN_CHANNEL = 'kiosk_update_log_origin';
