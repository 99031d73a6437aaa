/* Private to the library: what the user module shares with the modules that
 * record who made a write, and between user.c and user_auth.c. */
#ifndef ENT_USER_INTERNAL_H
#define ENT_USER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "entrepot/user.h"

/* Who db's writes are recorded as: the name given to ent_user_act_as, else
 * the operating-system user running the program. Never NULL or "". */
const char *entx_actor(ent_db *db);

/* The password hash to store for password ("scrypt$15$8$1$salt$key"), into
 * out of len bytes, at the cost the database's setting asks for. */
#define ENTX_PWHASH_MAX 160
int entx_password_hash(ent_db *db, const char *password, char *out, size_t len);

/* Checks the length and bytes of a new password (never quoting it). */
int entx_password_check(ent_db *db, const char *password);

/* Ends every session of user id (a new password, a retired user). */
int entx_sessions_end_user(ent_db *db, int64_t user_id);

#endif
