-- AlterTable
ALTER TABLE "access_tokens" ADD COLUMN     "acr" TEXT,
ADD COLUMN     "amr" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "auth_time" TIMESTAMP(3),
ADD COLUMN     "claims" JSONB,
ADD COLUMN     "session_id" TEXT;

-- AlterTable
ALTER TABLE "authorization_codes" ADD COLUMN     "claims" JSONB;

-- AlterTable: client metadata moves into one validated JSON document; existing rows keep theirs.
ALTER TABLE "clients" ADD COLUMN "metadata" JSONB,
ADD COLUMN     "registration_token_hash" TEXT,
ADD COLUMN     "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "clients" SET "metadata" = jsonb_build_object(
  'client_name', "name",
  'redirect_uris', to_jsonb("redirect_uris"),
  'response_types', to_jsonb("response_types"),
  'grant_types', to_jsonb("grant_types"),
  'token_endpoint_auth_method', "token_endpoint_auth_method"
);
ALTER TABLE "clients" ALTER COLUMN "metadata" SET NOT NULL,
DROP COLUMN "grant_types",
DROP COLUMN "name",
DROP COLUMN "redirect_uris",
DROP COLUMN "response_types",
DROP COLUMN "token_endpoint_auth_method",
ALTER COLUMN "updated_at" DROP DEFAULT;

-- AlterTable
ALTER TABLE "signing_keys" ADD COLUMN     "activated_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" TEXT NOT NULL,
    "family_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "session_id" TEXT,
    "scope" TEXT NOT NULL,
    "auth_time" TIMESTAMP(3) NOT NULL,
    "acr" TEXT NOT NULL,
    "amr" TEXT[],
    "nonce" TEXT,
    "claims" JSONB,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "consumed_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "client_assertion_jtis" (
    "client_id" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "client_assertion_jtis_pkey" PRIMARY KEY ("client_id","jti")
);

-- CreateIndex
CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens"("family_id");

-- CreateIndex
CREATE INDEX "client_assertion_jtis_expires_at_idx" ON "client_assertion_jtis"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "clients_registration_token_hash_key" ON "clients"("registration_token_hash");

