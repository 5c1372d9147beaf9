// Users by username, and ids compared on their 15-character form: shared by the reps step, the
// doctor and the admin-access check.
import type { Connection } from 'jsforce';
import { inQueries, queryMany } from '../lib/batch.ts';

export const USERS_PER_QUERY = 200;

export interface UserRow {
    Id: string;
    Username: string;
    IsActive: boolean;
}

/** Looks users up by username (200 per query, within the URI limit); username (lower case) → user. */
export async function findUsers(
    conn: Connection,
    usernames: string[]
): Promise<Map<string, UserRow>> {
    const rows = (
        await queryMany(
            conn,
            inQueries(
                'SELECT Id, Username, IsActive FROM User',
                'Username',
                usernames,
                USERS_PER_QUERY
            )
        )
    ).flat() as unknown as UserRow[];
    return new Map(rows.map((row) => [String(row.Username).toLowerCase(), row]));
}

/** An id on its 15-character form (the API answers 18; configs and older rows may hold 15). */
export const key15 = (id: unknown) => String(id).slice(0, 15);
