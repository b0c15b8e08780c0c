-- OpenID Provider Commands: the OP metadata per tenant and a persistent jti replay cache.
ALTER TABLE "tenants" ADD COLUMN "op_metadata" JSONB;

CREATE TABLE "command_jtis" (
    "issuer" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "command_jtis_pkey" PRIMARY KEY ("issuer","jti")
);

CREATE INDEX "command_jtis_expires_at_idx" ON "command_jtis"("expires_at");
