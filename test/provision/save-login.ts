// Child-process helper for stored-login.test.ts: stores an `sf` login for the emulator under the
// HOME it runs with (as `sf org login` would), with alias `emu`.
// Usage: HOME=<tmp> node --import tsx save-login.ts <instance url> <access token> <username>
import { AuthInfo } from '@salesforce/core';

async function main(): Promise<void> {
    const [instanceUrl, accessToken, username] = process.argv.slice(2);
    const authInfo = await AuthInfo.create({
        username,
        accessTokenOptions: { accessToken, instanceUrl, loginUrl: instanceUrl }
    });
    await authInfo.save();
    await authInfo.setAlias('emu');
}

main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
});
