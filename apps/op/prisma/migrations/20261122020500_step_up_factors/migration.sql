-- AlterTable
ALTER TABLE "interactions" ADD COLUMN     "enrolment_declined" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pending_totp_secret" TEXT;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "totp_last_step" BIGINT;

-- CreateTable
CREATE TABLE "acr_levels" (
    "acr" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "chain" TEXT[],
    "display" TEXT NOT NULL,

    CONSTRAINT "acr_levels_pkey" PRIMARY KEY ("acr")
);

-- CreateTable
CREATE TABLE "session_factors" (
    "id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "completed_at" TIMESTAMP(3) NOT NULL,
    "interaction_id" TEXT,

    CONSTRAINT "session_factors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "encryption_keys" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "private_jwk" JSONB NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "encryption_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE UNIQUE INDEX "acr_levels_rank_key" ON "acr_levels"("rank");

-- CreateIndex
CREATE INDEX "session_factors_session_id_idx" ON "session_factors"("session_id");


-- Data: the authentication levels this OP offers (acr values and their method chains).
INSERT INTO "acr_levels" ("acr", "rank", "chain", "display") VALUES
  ('urn:oidc-ref:acr:pwd', 1, ARRAY['pwd'], 'Password'),
  ('urn:oidc-ref:acr:mfa', 2, ARRAY['pwd', 'otp'], 'Password and one-time code');

-- Data: sessions from before this migration were password logins at their auth_time.
INSERT INTO "session_factors" ("id", "session_id", "method", "completed_at")
SELECT "id" || ':pwd', "id", 'pwd', "auth_time" FROM "sessions";
