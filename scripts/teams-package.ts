// npm run teams:package — builds the Teams app package (appPackage/build/app-package.zip) to
// upload in Teams or the Teams admin center: appPackage/manifest.json with its ${{…}}
// placeholders filled from the configuration, plus the two icons.
//   MICROSOFT_APP_ID  → the app id and the bot id (the bot's Entra ID app registration)
//   PUBLIC_BASE_URL   → developer website/privacy/terms links and validDomains (its host);
//                       point it at a page the users' IT department can read about this service
//   APP_VERSION       → package.json's version
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import JSZip from "jszip";
import { loadConfig, type Config } from "../src/config.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const PACKAGE_FILES = ["manifest.json", "color.png", "outline.png"] as const;

export class PackageError extends Error {}

/** The manifest with every placeholder filled; throws naming what the configuration lacks. */
export function fillManifest(template: string, config: Config, version: string): string {
  const problems: string[] = [];
  const appId = config.teams?.appId;
  if (!appId) problems.push("MICROSOFT_APP_ID: the bot's app id is needed for the package");
  else if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(appId))
    problems.push("MICROSOFT_APP_ID: Teams expects a GUID (the Entra ID application id)");
  const base = config.publicBaseUrl;
  if (!base) problems.push("PUBLIC_BASE_URL: needed for the developer links and validDomains, e.g. https://bot.example.co.jp");
  else if (!base.startsWith("https://")) problems.push("PUBLIC_BASE_URL: Teams accepts only https:// links in the manifest");
  if (problems.length) throw new PackageError(`Cannot build the Teams app package:\n- ${problems.join("\n- ")}`);

  const values: Record<string, string> = {
    MICROSOFT_APP_ID: appId!,
    PUBLIC_BASE_URL: base!,
    PUBLIC_HOST: new URL(base!).host,
    APP_VERSION: version,
  };
  const filled = template.replace(/\$\{\{([A-Z_]+)\}\}/g, (m, name: string) => {
    if (!(name in values)) throw new PackageError(`appPackage/manifest.json: unknown placeholder ${m}`);
    return values[name];
  });
  JSON.parse(filled); // a value that broke the JSON must not reach Teams
  return filled;
}

/** Writes the zip and returns its path. */
export async function buildTeamsPackage(config: Config, opts: { dir?: string; out?: string } = {}): Promise<string> {
  const dir = opts.dir ?? join(root, "appPackage");
  const out = opts.out ?? join(dir, "build", "app-package.zip");
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const zip = new JSZip();
  // Teams wants the three files at the root of the archive, not in a folder.
  zip.file("manifest.json", fillManifest(readFileSync(join(dir, "manifest.json"), "utf8"), config, version));
  for (const icon of PACKAGE_FILES.slice(1)) zip.file(icon, readFileSync(join(dir, icon)));
  const data = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, data);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const out = await buildTeamsPackage(loadConfig());
    console.log(`Teams app package: ${out}`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
