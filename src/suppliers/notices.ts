// The roll-out's messages that leave through the outbox (src/booking/outbox-worker.ts): a consent
// request to a supplier's admins and a customer's reminder. Each is composed when it is sent, from
// the invitation as it stands then: a request already decided, a withdrawn consent or stopped
// reminders make it a skip, never a stale message.
import type { Db } from "../db/client.ts";
import type { Lang, Reply } from "../core/reply.ts";
import type { SupplierService } from "./service.ts";
import { consentRequestNotice, reminderNotice } from "./replies.ts";

type Composed = Promise<{ reply: Reply } | { skip: string }>;

export function supplierComposers(db: Db, suppliers: SupplierService): Record<string, (userId: string, payload: Record<string, unknown>, now: Date) => Composed> {
  const recipient = async (userId: string) => {
    const user = await db.user.findUnique({ where: { id: userId } });
    const lang: Lang = user?.locale?.toLowerCase().startsWith("en") ? "en" : "ja";
    return { user, lang };
  };
  return {
    async supplier_consent_request(userId, payload) {
      const { user, lang } = await recipient(userId);
      if (!user || user.role !== "admin") return { skip: "no longer an admin" };
      const inv = await suppliers.forSupplier(user.orgId, String(payload.invitationId ?? ""));
      if (!inv) return { skip: "invitation not found" };
      if (inv.status !== "pending") return { skip: "already decided" };
      return { reply: consentRequestNotice(inv, lang) };
    },
    async supplier_reminder(userId, payload) {
      const { user, lang } = await recipient(userId);
      if (!user || user.role !== "admin") return { skip: "no longer an admin" };
      const inv = await suppliers.forSupplier(user.orgId, String(payload.invitationId ?? ""));
      if (!inv) return { skip: "invitation not found" };
      if (inv.remindersOff) return { skip: "reminders stopped by the supplier" };
      if (inv.status !== "accepted" && inv.status !== "pending") return { skip: "no consent" };
      return { reply: reminderNotice(inv, lang) };
    },
  };
}
