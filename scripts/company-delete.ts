// npm run company:delete -- <externalKey> [--yes]
// Deletes one company's data at once, on its admins' request: e.g. slack:T0123ABCD (a workspace),
// slack:E0123ABCD (an Enterprise Grid org), teams:<tenant id>. Without --yes it only says what it
// would delete. While the app is still installed in the company's Slack workspace, its bot token
// is revoked first (auth.revoke). README: retention and deletion.
import { loadConfig } from "../src/config.ts";
import { openMigratedDb } from "../src/db/client.ts";
import { createLogger } from "../src/core/logger.ts";
import { TokenCipher } from "../src/installations/token-cipher.ts";
import { companyFootprint, deleteCompanyOnRequest, slackRevoker } from "../src/installations/retention.ts";

const args = process.argv.slice(2);
const key = args.find((a) => !a.startsWith("--"));
if (!key || !/^(slack|teams|console):\S+$/.test(key)) {
  console.error("Usage: npm run company:delete -- <slack:TEAM_ID | slack:ENTERPRISE_ID | teams:TENANT_ID> [--yes]");
  process.exit(2);
}
const config = loadConfig();
const db = await openMigratedDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, tenantWalls: config.tenantWalls });
try {
  // a company may have only install records (installed, nobody wrote yet): those are deleted too
  const found = await companyFootprint(db.prisma, key);
  const org = found.org;
  const installs = [
    found.slackInstallations ? `${found.slackInstallations} Slack installation record(s)` : "",
    found.teamsInstallations ? `${found.teamsInstallations} Teams install record(s)` : "",
  ].filter(Boolean);
  if (!org && !installs.length) console.log(`No company ${key}: nothing to delete. / 会社 ${key} は見つかりません。`);
  else if (!args.includes("--yes")) {
    const people = org ? `${org.users} people, ${org.assessments} assessments, ${org.bookings} bookings` : "no data";
    console.log(`${key} (${org?.name ?? "no name"}): ${[people, ...installs].join(", ")}.`);
    console.log("Run again with --yes to delete all of it, audit trail included. / 削除するには --yes を付けて再実行してください。");
  } else {
    const oauth = config.slack?.oauth;
    const cipher = oauth ? (oauth.tokenKey ? new TokenCipher(oauth.tokenKey) : TokenCipher.derivedFrom(oauth.clientSecret)) : undefined;
    const r = await deleteCompanyOnRequest(
      db.prisma,
      key,
      {
        decrypt: (s) => {
          if (!cipher) throw new Error("SLACK_CLIENT_ID and SLACK_TOKEN_KEY are needed to revoke the company's Slack installation");
          return cipher.decrypt(s);
        },
        revoke: slackRevoker(config.slack?.apiUrl),
      },
      createLogger("warn"),
    );
    console.log(
      `Deleted ${key}: ${JSON.stringify(r.rows ?? {})}` +
        `${r.revoked.length ? `; Slack bot token revoked for ${r.revoked.join(", ")}` : ""}` +
        `${r.slackInstallations ? `; ${r.slackInstallations} Slack installation record(s) removed` : ""}` +
        `${r.teamsInstallations ? `; ${r.teamsInstallations} Teams install record(s) removed` : ""}`,
    );
  }
} finally {
  await db.close();
}
