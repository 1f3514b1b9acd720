import { describe, expect, it } from "vitest";
import { installChangeOf } from "../../src/channels/teams/install-events.ts";
import { BOT_ID, TEAM_ID, TENANT, installationUpdate, personalInstall, personalMessage, teamMembership } from "../helpers/teams.ts";

const who = { serviceUrl: "https://smba.trafficmanager.net/jp/" };

describe("Teams install activities", () => {
  it("reads installationUpdate add / remove in each scope; only a new personal install is greeted", () => {
    expect(installChangeOf(installationUpdate("add", who) as never)).toMatchObject({ change: "added", scope: "personal", tenantId: TENANT, greet: true });
    expect(installChangeOf(installationUpdate("add", { ...who, in: "team" }) as never)).toMatchObject({
      change: "added",
      scope: "team",
      teamId: TEAM_ID,
      teamName: "品質保証部",
      greet: false,
    });
    expect(installChangeOf(installationUpdate("add", { ...who, in: "groupChat" }) as never)).toMatchObject({ scope: "groupChat", greet: false });
    expect(installChangeOf(installationUpdate("remove", who) as never)).toMatchObject({ change: "removed", scope: "personal", greet: false });
    // an app update is not a new install, and a downgrade's removal is not a removal
    expect(installChangeOf(installationUpdate("add-upgrade", who) as never)).toMatchObject({ change: "added", greet: false });
    expect(installChangeOf(installationUpdate("remove-upgrade", who) as never)).toBeNull();
  });

  it("reads conversationUpdate: the bot added or removed, a team deleted; someone else joining is nothing", () => {
    expect(installChangeOf(personalInstall(who) as never)).toMatchObject({ change: "added", scope: "personal", greet: true });
    expect(installChangeOf(teamMembership("added", who) as never)).toMatchObject({ change: "added", scope: "team", teamId: TEAM_ID });
    expect(installChangeOf(teamMembership("removed", who) as never)).toMatchObject({ change: "removed", scope: "team" });
    const deleted = { ...teamMembership("added", who), membersAdded: undefined, channelData: { team: { id: TEAM_ID }, eventType: "teamDeleted" } };
    expect(installChangeOf(deleted as never)).toMatchObject({ change: "removed", scope: "team" });
    expect(installChangeOf({ ...personalInstall(who), membersAdded: [{ id: "29:someone-else" }] } as never)).toBeNull();
    expect(installChangeOf(personalMessage("hi", who) as never)).toBeNull();
    expect(BOT_ID).toMatch(/^28:/);
  });
});
