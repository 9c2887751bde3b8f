export { type AppDeps, createApp } from "./app.ts";
export { type Config, ConfigSchema, loadConfig } from "./config.ts";
export type {
  AlertNotification,
  Notification,
  NotificationKind,
  TodoNotification,
} from "./delivery/notification.ts";
