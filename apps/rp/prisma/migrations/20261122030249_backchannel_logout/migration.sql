-- CreateTable
CREATE TABLE "logout_jtis" (
    "issuer" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "logout_jtis_pkey" PRIMARY KEY ("issuer","jti")
);

-- CreateIndex
CREATE INDEX "logout_jtis_expires_at_idx" ON "logout_jtis"("expires_at");

-- CreateIndex
CREATE INDEX "sessions_op_sid_idx" ON "sessions"("op_sid");
