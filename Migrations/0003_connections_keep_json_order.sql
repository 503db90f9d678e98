-- Connection JSON is returned as it was written: `json` keeps members in their order, `jsonb` sorts them, which
-- made GET answer a connection's authSchemeConfig and credential data in another order than its POST did.
-- Nothing queries inside these columns, so nothing is lost.
ALTER TABLE credentials
    ALTER COLUMN public_data DROP DEFAULT,
    ALTER COLUMN public_data TYPE json USING public_data::json,
    ALTER COLUMN public_data SET DEFAULT '{}';
ALTER TABLE connection_credentials
    ALTER COLUMN auth_scheme_config TYPE json USING auth_scheme_config::json,
    ALTER COLUMN validation_messages DROP DEFAULT,
    ALTER COLUMN validation_messages TYPE json USING validation_messages::json,
    ALTER COLUMN validation_messages SET DEFAULT '[]';
ALTER TABLE connections
    ALTER COLUMN variables DROP DEFAULT,
    ALTER COLUMN variables TYPE json USING variables::json,
    ALTER COLUMN variables SET DEFAULT '[]';
